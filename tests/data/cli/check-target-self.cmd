check -f agent-base.sb signal self
