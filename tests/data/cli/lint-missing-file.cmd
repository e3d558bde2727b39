lint no-such-file.sb
