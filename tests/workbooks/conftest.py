"""The cycle tests' seed and named users (Alice DX, Bob 企画政策課, Frank 総務課, Dave HQ, Charlie 刈羽村), FY2024
open."""

from tests.cycle.conftest import alice, bob, charlie, dave, frank, kariwa, plan, year_2024

__all__ = ["alice", "bob", "charlie", "dave", "frank", "kariwa", "plan", "year_2024"]
