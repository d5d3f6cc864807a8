"""The explorer page: an explanation's record shown as an interactive graph that steps through
the sweeps the engine ran (``Explanation.to_html()``, ``chainrule explain --format html``,
``chainrule explore``)."""
