"""One module per ``python -m bot <job>``: each parses its arguments and runs."""
