DROP TABLE portfolio_visits;
