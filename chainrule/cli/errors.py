"""The one error the explanation commands raise for input they cannot act on."""


class CommandError(Exception):
    """Input a command (diff, explain, graph, check) cannot act on; the message is one line."""


__all__ = ["CommandError"]
