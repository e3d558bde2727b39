check -f project.sb --attr path=x/y file-write-data
