check -f agent-base.sb network-bind tcp:localhost:8080
