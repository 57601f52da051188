"""(Work in progress.)"""

CLAIMS: list = []
