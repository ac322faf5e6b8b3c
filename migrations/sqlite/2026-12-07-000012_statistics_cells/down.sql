DROP TABLE statistics_upkeep;
DROP TABLE statistics_quarter_cells;
DROP TABLE statistics_year_cells;
DROP TABLE enterprise_quarters;
