DROP TABLE credit_repairs;
DROP TABLE commitments;
