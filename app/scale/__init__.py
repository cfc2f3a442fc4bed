"""Thresher at crawl scale: its cleaners as datatrove blocks, and choosing pages to label.

``app.scale.blocks`` needs the optional extra ``thresher[scale]`` (datatrove) and is only
imported by a pipeline that asks for it; ``app.scale.pages`` and ``app.scale.sampling``
are plain Python, used by ``thresher sample`` with or without datatrove.
"""
