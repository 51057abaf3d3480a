"""Article intake: web pages, URLs, feeds, Word and PDF files become
:class:`~annotator.domain.IncomingDocument` values with their outlet, author,
date, URL and language, and the raw bytes they came from.

The stored text is what the extractor gives, once: it is never re-extracted
into an existing document (offsets count it). Each module raises
:class:`~annotator.errors.FormatError` naming the file or URL.
"""
