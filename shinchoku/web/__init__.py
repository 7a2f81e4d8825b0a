"""The Japanese web application: server-rendered pages over the cycle services and selectors."""
