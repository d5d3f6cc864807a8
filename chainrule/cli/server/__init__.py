"""The server behind ``chainrule explore``: the explorer page with live inputs, answered by the
engine in a child process that a time limit can stop."""
