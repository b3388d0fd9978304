# The only page before login: app.py draws the login form above it, so it has nothing to add.
