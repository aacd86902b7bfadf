"""Project commands (COMMANDS_MODULE): ``crawl`` with an exit status for unhealthy jobs."""
