"""The course's grader: grades nbgrader submissions in a sandbox, against keys derived
from data/, and checks evidence quotes against the articles. Entry point: `autograder`."""
