DROP TABLE model_activations;
DROP TABLE model_comparisons;
