"""peacecheck's checker: evaluation, results, renderers and the command line."""
