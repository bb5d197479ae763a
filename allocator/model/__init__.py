"""The model: a scenario compiled to indexed data (``problem``), written as a solver-neutral
integer linear model (``linear``, ``formulation``), and a known plan as a warm start (``warm``).
"""
