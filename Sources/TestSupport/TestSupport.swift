// Module TestSupport.
