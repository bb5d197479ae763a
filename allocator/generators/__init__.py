"""Scenario generators: the benchmark families and the realistic ``un_2025`` dataset, built
from one module of reference tables shared with the capability catalogue."""
