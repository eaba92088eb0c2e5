import asyncio

machine = None

async def brew(name):
    async with machine:
        print(f"{name}: brewing")
        await asyncio.sleep(3)
        print(f"{name}: coffee ready")

async def customer(name, arrival, patience):
    await asyncio.sleep(arrival)
    print(f"{name} arrives")
    try:
        await asyncio.wait_for(brew(name), patience)
        print(f"{name} leaves with a coffee")
    except asyncio.TimeoutError:
        print(f"{name} gives up and leaves")

async def main():
    global machine
    machine = asyncio.Semaphore(1)
    await asyncio.gather(customer("Ada", 0, 5), customer("Ben", 1, 4), customer("Cy", 2, 10))

asyncio.run(main())
