"""The composition root: the whole application (the API with the chat UI) and the whole ``newsdesk`` command.

The layers below never import upwards: ``service`` (the engine and its HTTP API) knows neither ``ui`` nor
``eval``; ``ui`` and ``eval`` build on ``service``; only this package puts them together.
"""
