"""The yearly reporting cycle (進行管理): opening a year, department reports, HQ review, publication, audit."""
