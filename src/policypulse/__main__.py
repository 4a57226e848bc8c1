from policypulse.cli import main

main()
