"""`autograder validate-data`: check data/ (schemas, references, every quote)."""

from considerations import data


def add_parser(verbs, name):
    verbs.add_parser(name, help="validate the course data in data/ and name any bad file, row and column")


def run(args) -> int:
    return data.main()
