"""The Qt front end. It draws what the core (``annotator``) holds and calls it
for every change; it holds no business logic of its own."""
