-- The statistics kept on write (issue 17). Every write of an operating record refreshes its
-- enterprise's figures for that quarter here, and every write of a record or of what groups an
-- enterprise (region, industry, status, grade, business models) adds its signed difference to
-- the cells below, in the same transaction (db::statistics_cells). A breakdown or a trend then
-- sums cells instead of aggregating a year of records.

-- One enterprise's figures for one calendar quarter ('2026-Q3'), over its counted records.
CREATE TABLE enterprise_quarters (
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    quarter TEXT NOT NULL,
    online_sales DOUBLE PRECISION,
    orders DOUBLE PRECISION,
    cross_border DOUBLE PRECISION,
    employees DOUBLE PRECISION,
    tax DOUBLE PRECISION,
    refunded DOUBLE PRECISION,
    refund_base DOUBLE PRECISION,
    complaints DOUBLE PRECISION,
    PRIMARY KEY (enterprise_code, quarter)
);

-- Yearly figures (period = the year) and the population (period = '') by dimension
-- ('all', 'status', 'grade', 'business_model') and its value, district and industry. Writers
-- only append signed rows (merged = false); merging sums a cell's rows into one (merged = true).
CREATE TABLE statistics_year_cells (
    id BIGSERIAL PRIMARY KEY,
    period TEXT NOT NULL,
    dim TEXT NOT NULL,
    key TEXT NOT NULL,
    region_code TEXT NOT NULL,
    industry TEXT NOT NULL,
    enterprises BIGINT NOT NULL,
    reporting BIGINT NOT NULL,
    sales DOUBLE PRECISION NOT NULL,
    sales_n BIGINT NOT NULL,
    orders DOUBLE PRECISION NOT NULL,
    orders_n BIGINT NOT NULL,
    cross_border DOUBLE PRECISION NOT NULL,
    cross_border_n BIGINT NOT NULL,
    employees DOUBLE PRECISION NOT NULL,
    employees_n BIGINT NOT NULL,
    tax DOUBLE PRECISION NOT NULL,
    tax_n BIGINT NOT NULL,
    merged BOOLEAN NOT NULL
);
CREATE INDEX statistics_year_cells_key
    ON statistics_year_cells (period, dim, region_code, industry, key);
CREATE INDEX statistics_year_cells_unmerged ON statistics_year_cells (merged);

-- The quarterly trend by quarter, district and industry; appended and merged the same way.
CREATE TABLE statistics_quarter_cells (
    id BIGSERIAL PRIMARY KEY,
    quarter TEXT NOT NULL,
    region_code TEXT NOT NULL,
    industry TEXT NOT NULL,
    reporting BIGINT NOT NULL,
    online_sales DOUBLE PRECISION NOT NULL,
    orders DOUBLE PRECISION NOT NULL,
    refunded DOUBLE PRECISION NOT NULL,
    refund_base DOUBLE PRECISION NOT NULL,
    refund_reporting BIGINT NOT NULL,
    complaints DOUBLE PRECISION NOT NULL,
    complaints_reporting BIGINT NOT NULL,
    merged BOOLEAN NOT NULL
);
CREATE INDEX statistics_quarter_cells_key
    ON statistics_quarter_cells (quarter, region_code, industry);
CREATE INDEX statistics_quarter_cells_unmerged ON statistics_quarter_cells (merged);

-- Whether the tables above have been built from the records already there. The first opening
-- after this migration builds them (db::statistics_cells::build_if_missing), in Rust: the
-- same code that keeps them.
CREATE TABLE statistics_upkeep (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    built BOOLEAN NOT NULL
);
INSERT INTO statistics_upkeep (id, built) VALUES (1, FALSE);
