// Module Series.
