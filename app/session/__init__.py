"""The open document of the window, in plain Python: the window's one door to the label file.

``DocumentSession`` reads and writes the label file; each action is one transaction, after
which the open document is updated by what the action wrote and listeners hear a
``Change`` naming what changed. Nothing here imports Qt.
"""
