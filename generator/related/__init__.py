"""Stage 5, related lists ("Rekomendasi Artikel"): the stories most like each story.

Takes: the published articles and `RelatedConfig`. Gives: source path -> tuple of source
paths, and for `sitegen related` an explanation of every candidate (engine.py). Words are
counted in words.py, turned into weighted vectors in vectors.py, and ranked in rank.py.
"""
