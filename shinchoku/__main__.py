from shinchoku.cli import main

main()
