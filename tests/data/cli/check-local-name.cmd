check -f agent-base.sb --attr local-name=com.apple.cfprefsd.agent mach-lookup
