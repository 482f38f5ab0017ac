"""`autograder sources`: one line per article, `ID<TAB>TITLE`."""

from considerations import load_sources


def add_parser(verbs, name):
    verbs.add_parser(name, help="list the source articles (ID<TAB>TITLE)")


def run(args) -> int:
    for source in load_sources().values():
        print(f"{source.source_id}\t{source.title}")
    return 0
