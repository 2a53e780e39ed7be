// Module PromQL.
