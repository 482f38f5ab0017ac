"""One module per `autograder` verb; each has `add_parser(verbs, name)` and `run(args)`."""
