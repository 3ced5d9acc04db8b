from onenotes.cli import main

main()
