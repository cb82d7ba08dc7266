"""Running the service: the server process, the data directory's server lock, warm-up and the healthcheck."""
