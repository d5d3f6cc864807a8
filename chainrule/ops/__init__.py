"""Primitive ops, one family per module. Each op is declared once: forward, VJPs, JVPs, and its
inputs' names and symbolic forward (for formulas)."""
