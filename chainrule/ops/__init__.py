"""Primitive ops, one family per module. Each op is declared once: forward, VJPs, JVPs, formula."""
