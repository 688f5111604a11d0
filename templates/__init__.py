# Templates and static files, installed as the package data exporter.templates.
