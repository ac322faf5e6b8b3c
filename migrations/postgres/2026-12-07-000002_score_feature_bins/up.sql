-- The scorecard bin of every feature of a score ("3,1,m,0,…", in the order of its model's
-- scorecard; m for missing): with the model version it gives each feature's points, so two
-- evaluations can be compared feature by feature long after their records changed. Empty for
-- scores stored before.
ALTER TABLE scores ADD COLUMN feature_bins TEXT NOT NULL DEFAULT '';
