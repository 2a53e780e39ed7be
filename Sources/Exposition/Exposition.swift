// Module Exposition.
