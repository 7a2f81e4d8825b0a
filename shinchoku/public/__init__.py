"""The public side: what has been published (公表), readable without an account.

Everything here reads publication snapshots (``plans.Publication.document``), never live data: a draft, an
opened cycle or an edit after publication cannot reach a public page, file or API response.
"""
