check -f agent-base.sb signal others
