ALTER TABLE scores DROP COLUMN feature_bins;
