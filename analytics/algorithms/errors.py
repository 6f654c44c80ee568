"""The one error the analytics algorithms raise for input they cannot use."""


class AnalyticsInputError(ValueError):
    """Input an algorithm cannot use (empty, too short, one class only, non-numeric); the message says what and where."""
