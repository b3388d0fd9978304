"""What every use case shares and no use case owns: the clock, date arithmetic, ..."""
