"""Thin views: parse the request, check ``can``, call a service or selector, render."""
