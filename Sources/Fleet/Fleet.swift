// Module Fleet.
