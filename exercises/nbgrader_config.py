"""nbgrader configuration of the course (nbgrader 0.9.6). Run nbgrader from this folder.

The course root is this folder wherever it is checked out or copied; the gradebook
is an SQLite file next to this one.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

_ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "pakistan-taliban-recognition"
c.CourseDirectory.root = _ROOT
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(_ROOT, "gradebook.db")

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
