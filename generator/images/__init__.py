"""Photos: the resized variants every story's photos are shown in.

Takes: the articles' `Image` records and `ImagesConfig`. Gives: the names, sizes and URLs of
every variant (variants.py, a pure function planned with the pages), the `<picture>` markup
(markup.py, used while rendering) and the variant files themselves (make.py, in workers,
only for variants `.sitegen/images/` lacks).
"""
